/** The availability report's types: the shared vocabulary lives in domain/ (db/ reads and writes it too). */
export type { BucketUnit, Change, Connectivity, History, Interval, ServerRun, Span } from '../../domain/availability.ts';

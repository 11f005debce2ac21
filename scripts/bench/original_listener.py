"""The original listener's log path for bench:log-burst, in its own stack (docs/performance.md
"Log bursts"): paho-mqtt's on_message, one SQLAlchemy ORM session per message (Session(), add a
ClientLog, commit, print, close) on a SQLite WAL file with SQLite's default synchronous (FULL).
Written for the benchmark from the design described in the original system's guide; Debian
packages python3-sqlalchemy and python3-paho-mqtt.

    /usr/bin/python3 original_listener.py <host> <port> <db file> <n>

Control lines on stderr: "ready" once subscribed, "stored <n>" after the n-th commit.
"""
import json
import sys
from datetime import datetime, timezone

import paho.mqtt.client as mqtt
from sqlalchemy import Column, Integer, String, Text, create_engine, event
from sqlalchemy.orm import declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

host, port, path, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])

Base = declarative_base()


class ClientLog(Base):
    __tablename__ = "client_logs"
    id = Column(Integer, primary_key=True)
    client_uuid = Column(String(36), nullable=False, index=True)
    timestamp = Column(String(40), index=True)
    level = Column(String(8), nullable=False, index=True)
    message = Column(Text)
    context = Column(Text)


# One pooled connection, reused by every session (SQLAlchemy 2's default for a SQLite file; 1.4's,
# NullPool, would open the file anew per message and make the original look slower than it was).
engine = create_engine(f"sqlite:///{path}", poolclass=QueuePool, pool_size=1, max_overflow=0)


@event.listens_for(engine, "connect")
def _wal(dbapi_connection, _record):
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # SQLite's default, stated so a build default cannot change it
    cur.close()


Base.metadata.create_all(engine)
Session = sessionmaker(bind=engine)
stored = 0


def control(line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def handle_log_message(uuid, level, payload):
    session = Session()
    try:
        session.add(
            ClientLog(
                client_uuid=uuid,
                timestamp=payload.get("timestamp", datetime.now(timezone.utc).isoformat()),
                level=level,
                message=payload.get("message", ""),
                context=json.dumps(payload.get("context") or {}),
            )
        )
        session.commit()
        print(f"[LOG] {uuid} {level}: {payload.get('message', '')}")
    except Exception as e:  # the original's handler logged and rolled back
        print(f"Error saving log: {e}")
        session.rollback()
    finally:
        session.close()


def on_connect(client, _userdata, _flags, _rc):
    # paho's default QoS (0), as the original subscribed
    client.subscribe([("infoscreen/+/logs/error", 0), ("infoscreen/+/logs/warn", 0), ("infoscreen/+/logs/info", 0)])


def on_subscribe(_client, _userdata, _mid, _granted):
    control("ready")


def on_message(_client, _userdata, msg):
    global stored
    parts = msg.topic.split("/")
    handle_log_message(parts[1], parts[3].upper(), json.loads(msg.payload.decode()))
    stored += 1
    if stored == n:
        control(f"stored {stored}")


client = mqtt.Client(client_id=f"original-listener-py-{port}")
client.on_connect = on_connect
client.on_subscribe = on_subscribe
client.on_message = on_message
client.connect(host, port, 60)
client.loop_forever()

"""A Python client of mmd: lists the instances and reads a few watch messages over the daemon's Unix socket.

Run it with Debian's interpreter (/usr/bin/python3, which sees python3-grpcio) after generating the stubs:
    protoc -I protos --python_out=OUT --grpc_out=OUT --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin protos/mm/v1/*.proto
    PYTHONPATH=OUT /usr/bin/python3 tests/Clients/python/mm_client.py daemon/state/mmd.sock 3
Prints one JSON object per line: {"instance": ...} for each instance, then {"watch": ...} for each message.
"""
import json
import os
import sys

import grpc
from google.protobuf.json_format import MessageToDict

from mm.v1 import instance_service_pb2, instance_service_pb2_grpc, stats_service_pb2, stats_service_pb2_grpc


def main(socket_path: str, watch_count: int) -> int:
    target = "unix://" + os.path.abspath(socket_path)
    # grpcio >= 1.57 sends the socket path as :authority, which Kestrel rejects: name the authority explicitly.
    with grpc.insecure_channel(target, options=[("grpc.default_authority", "localhost")]) as channel:
        listed = instance_service_pb2_grpc.InstanceServiceStub(channel).ListInstances(
            instance_service_pb2.ListInstancesRequest(), timeout=10)
        for instance in listed.instances:
            print(json.dumps({"instance": MessageToDict(instance)}), flush=True)

        stream = stats_service_pb2_grpc.StatsServiceStub(channel).Watch(stats_service_pb2.WatchRequest(), timeout=60)
        for received, event in enumerate(stream, start=1):
            print(json.dumps({"watch": MessageToDict(event)}), flush=True)
            if received >= watch_count:
                stream.cancel()
                break
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: mm_client.py SOCKET WATCH_COUNT", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], int(sys.argv[2])))

"""Tensor inference over gRPC vs REST (binary extension) at concurrency 1, the same 1x3x320x320 FP32 tensor, in
alternating rounds, with Python clients (grpcio's C core; urllib with a kept-alive connection).

usage: /usr/bin/python3 grpc-vs-rest.py STUB_DIR GRPC_PORT HTTP_PORT [ROUNDS] [PER_ROUND]
(stubs: python3 -m grpc_tools.protoc -I server/src/main/proto --python_out=D --grpc_python_out=D grpc_predict_v2.proto)
"""
import http.client
import json
import statistics
import struct
import sys
import time

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import grpc_predict_v2_pb2 as pb  # noqa: E402
import grpc_predict_v2_pb2_grpc as rpc  # noqa: E402

grpc_port, http_port = sys.argv[2], int(sys.argv[3])
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 10
per_round = int(sys.argv[5]) if len(sys.argv) > 5 else 40
n = 3 * 320 * 320
raw = struct.pack("<%df" % n, *[((i * 7919) % 1000) / 1000.0 for i in range(n)])

stub = rpc.GRPCInferenceServiceStub(grpc.insecure_channel("127.0.0.1:" + grpc_port))
req = pb.ModelInferRequest(model_name="shapes")
t = req.inputs.add()
t.name, t.datatype = "images", "FP32"
t.shape.extend([1, 3, 320, 320])
req.raw_input_contents.append(raw)

header = json.dumps({"inputs": [{"name": "images", "datatype": "FP32", "shape": [1, 3, 320, 320],
                                 "parameters": {"binary_data_size": len(raw)}}],
                     "parameters": {"binary_data_output": True}}).encode()
conn = http.client.HTTPConnection("127.0.0.1", http_port)


def grpc_call():
    stub.ModelInfer(req, timeout=30)


def rest_call():
    conn.request("POST", "/v2/models/shapes/infer", body=header + raw,
                 headers={"Content-Type": "application/octet-stream",
                          "Inference-Header-Content-Length": str(len(header))})
    r = conn.getresponse()
    r.read()
    assert r.status == 200, r.status


times = {"grpc": [], "rest": []}
for warm in range(20):
    grpc_call()
    rest_call()
for r in range(rounds):
    for name, call in (("grpc", grpc_call), ("rest", rest_call)) if r % 2 == 0 else (("rest", rest_call), ("grpc", grpc_call)):
        for _ in range(per_round):
            start = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - start) * 1000)
for name, ts in times.items():
    ts.sort()
    print("%-4s n=%d  p50 %.2f ms  p90 %.2f ms  mean %.2f ms" % (name, len(ts), ts[len(ts) // 2],
          ts[int(len(ts) * 0.9)], statistics.mean(ts)))

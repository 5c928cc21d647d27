"""Calls `peregrine serve --grpc-port` with the reference gRPC stack (grpcio, C core) and stubs generated from
Peregrine's grpc_predict_v2.proto, and prints one JSON object per check for GrpcInteropTest to assert on.

usage: interop.py STUB_DIR PORT
"""
import json
import struct
import sys

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import grpc_predict_v2_pb2 as pb  # noqa: E402
import grpc_predict_v2_pb2_grpc as rpc  # noqa: E402

stub = rpc.GRPCInferenceServiceStub(grpc.insecure_channel("127.0.0.1:" + sys.argv[2]))


def report(check, **values):
    print(json.dumps(dict(check=check, **values)), flush=True)


report("health", live=stub.ServerLive(pb.ServerLiveRequest()).live,
       ready=stub.ServerReady(pb.ServerReadyRequest()).ready)
meta = stub.ModelMetadata(pb.ModelMetadataRequest(name="shapes"))
report("metadata", name=meta.name, platform=meta.platform,
       inputs=[[t.name, t.datatype, list(t.shape)] for t in meta.inputs],
       outputs=[[t.name, t.datatype, list(t.shape)] for t in meta.outputs])

n = 2 * 3 * 4 * 4
values = [(i % 17) / 17.0 for i in range(n)]
req = pb.ModelInferRequest(model_name="shapes", id="interop-1")
tensor = req.inputs.add()
tensor.name, tensor.datatype = "images", "FP32"
tensor.shape.extend([2, 3, 4, 4])
req.raw_input_contents.append(struct.pack("<%df" % n, *values))
resp = stub.ModelInfer(req, timeout=30)
raw = resp.raw_output_contents[0]
report("infer", model=resp.model_name, id=resp.id, name=resp.outputs[0].name, datatype=resp.outputs[0].datatype,
       shape=list(resp.outputs[0].shape), data=list(struct.unpack("<%df" % (len(raw) // 4), raw)))

index = stub.RepositoryIndex(pb.RepositoryIndexRequest(ready=True), timeout=30)
report("repository", models=[[m.name, m.version, m.state] for m in index.models])

bad = pb.ModelInferRequest(model_name="shapes")
tensor = bad.inputs.add()
tensor.name, tensor.datatype = "images", "INT8"
tensor.shape.extend([1, 3, 4, 4])
for check, call in [("bad-datatype", lambda: stub.ModelInfer(bad, timeout=30)),
                    ("unknown-model", lambda: stub.ModelReady(pb.ModelReadyRequest(name="nope"), timeout=30)),
                    ("load", lambda: stub.RepositoryModelLoad(pb.RepositoryModelLoadRequest(model_name="shapes"),
                                                              timeout=30)),
                    ("gzip", lambda: stub.ModelInfer(req, timeout=30, compression=grpc.Compression.Gzip))]:
    try:
        call()
        report(check, code="OK", details="")
    except grpc.RpcError as e:
        report(check, code=e.code().name, details=e.details())

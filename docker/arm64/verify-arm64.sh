#!/usr/bin/env bash
# Proves the CPU path of Peregrine on linux/arm64 without arm64 hardware, under qemu-user:
#   1. the x86-64 build (server/target) exports the demo model and predicts on fixture images (the reference);
#   2. an arm64 class path is assembled: the same jars, with the bytedeco natives for linux-arm64
#      (mvn -Djavacpp.platform=linux-arm64 -pl engines dependency:copy-dependencies; ONNX Runtime's jar already
#      carries linux-aarch64 natives);
#   3. Debian's arm64 OpenJDK 17 and its libraries are unpacked into a sysroot (dpkg -x, nothing installed);
#   4. qemu-aarch64 runs `peregrine export` (the ONNX must be byte-identical) and `peregrine predict` on arm64;
#   5. the arm64 detections must equal the x86-64 ones within a small tolerance (CompareDetections.java).
# Needs: a Debian host (apt sources of Debian bookworm), network to Debian and Maven Central, Java 17, Maven;
# installs qemu-user-static with apt when missing and running as root. Work files: $PEREGRINE_ARM64_WORK
# (default target/arm64; the sysroot is reused between runs). Documented in docs/DEPLOYMENT.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${PEREGRINE_ARM64_WORK:-$root/target/arm64}"
fixtures="${PEREGRINE_FIXTURES:-$root/../shared/fixtures}"
model="$root/models/shapes-yolov8n.pt"
# 000001 and 000002 together hold all five classes of the demo model.
images=("$fixtures/trained/images/val/000001.jpg" "$fixtures/trained/images/val/000002.jpg")
jdk_package=openjdk-17-jre-headless
started=$(date +%s)

say() { printf '[arm64 %4ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }
die() { printf 'verify-arm64: %s\n' "$*" >&2; exit 1; }

for image in "${images[@]}"; do
  [ -f "$image" ] || die "fixture image $image not found (set PEREGRINE_FIXTURES to the fixtures folder)"
done
[ -f "$model" ] || die "demo model $model not found"

# --- qemu ----------------------------------------------------------------------------------------------------------
qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
if [ -z "$qemu" ]; then
  [ "$(id -u)" = 0 ] || die "qemu-aarch64 not found: apt-get install qemu-user-static"
  say "installing qemu-user-static"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null
  qemu="$(command -v qemu-aarch64-static)"
fi
say "qemu: $("$qemu" --version | head -1)"

# --- x86-64 build and reference ------------------------------------------------------------------------------------
jar="$root/server/target/peregrine-server.jar"
# Same staleness rule as the peregrine launcher: build when the jar is missing or older than any source.
if [[ ! -f "$jar" || -n "$(find "$root"/engines/src "$root"/exporter/src "$root"/server/src "$root"/pom.xml \
      "$root"/*/pom.xml -newer "$jar" -type f -print -quit 2>/dev/null)" ]]; then
  say "building the server (x86-64)"
  mkdir -p "$work"
  (cd "$root" && mvn -B -ntp -q -DskipTests -pl server -am package) >"$work/maven.log" 2>&1 \
    || { cat "$work/maven.log" >&2; die "the x86-64 build failed"; }
fi
mkdir -p "$work/x86" "$work/arm64"
say "x86-64: export and predict (reference)"
java -jar "$jar" export "$model" -o "$work/x86/shapes-yolov8n.onnx" >"$work/x86/export.log"
java -jar "$jar" predict --model "$work/x86/shapes-yolov8n.onnx" --json "$work/x86/detections.json" "${images[@]}" \
  >"$work/x86/predict.log" 2>&1 || { cat "$work/x86/predict.log" >&2; die "x86-64 predict failed"; }

# --- arm64 sysroot from Debian (an apt of its own: the host's dpkg database is not touched) --------------------------
sysroot="$work/sysroot"
arm_java="$sysroot/usr/lib/jvm/java-17-openjdk-arm64/bin/java"
if [ ! -x "$arm_java" ]; then
  say "downloading Debian arm64 $jdk_package and its dependencies"
  apt_dir="$work/apt"
  rm -rf "$apt_dir" "$sysroot"
  mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources"
  : >"$apt_dir/status"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$apt_dir/sources/"
  else
    cat >"$apt_dir/sources/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  apt_opts=(-o "Dir::State=$apt_dir/state" -o "Dir::State::status=$apt_dir/status" -o "Dir::Cache=$apt_dir/cache"
    -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/sources"
    -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Debug::NoLocking=1 -o Acquire::Languages=none)
  apt-get "${apt_opts[@]}" -qq update
  # An empty status file makes apt resolve the whole dependency closure (libc6:arm64 and up).
  apt-get "${apt_opts[@]}" -qq install --download-only -y --no-install-recommends "$jdk_package" >/dev/null
  mkdir -p "$sysroot"
  for deb in "$apt_dir"/cache/archives/*.deb; do dpkg -x "$deb" "$sysroot"; done
  say "sysroot: $(ls "$apt_dir"/cache/archives/*.deb | wc -l) packages, $(du -sh "$sysroot" | cut -f1)"
  rm -rf "$apt_dir"
fi
run_arm64() {
  "$qemu" -L "$sysroot" "$arm_java" -Djava.io.tmpdir="$work/arm64/tmp" \
    -Dorg.bytedeco.javacpp.cachedir="$work/arm64/javacpp" -cp "$work/app/peregrine-server.jar:$work/app/lib/*" \
    dev.peregrine.server.cli.PeregrineCli "$@"
}

# --- arm64 class path ----------------------------------------------------------------------------------------------
say "resolving the linux-arm64 natives (Maven)"
rm -rf "$work/app" "$work/natives"
mkdir -p "$work/app/lib" "$work/natives" "$work/arm64/tmp"
# Every platform-classified jar of the CPU server comes from engines (javacpp, opencv, openblas), and engines has no
# reactor dependencies, so resolving it alone needs no installed Peregrine artifacts. The loop below checks that
# every linux-x86_64 jar of server/target/lib got its linux-arm64 twin (Netty's epoll jar comes in both
# classifiers from the server's own dependencies).
(cd "$root" && mvn -B -ntp -q -Djavacpp.platform=linux-arm64 -pl engines dependency:copy-dependencies \
  -DincludeScope=runtime -DincludeClassifiers=linux-arm64 -DoutputDirectory="$work/natives") >"$work/maven.log" 2>&1 \
  || { cat "$work/maven.log" >&2; die "resolving the linux-arm64 natives failed"; }
cp "$jar" "$work/app/"
for lib in "$root"/server/target/lib/*.jar; do
  case "$lib" in
    */netty-*-linux-x86_64.jar)
      # Netty's natives use their own classifier; the server ships the linux-aarch_64 jar beside this one.
      [ -f "${lib%-linux-x86_64.jar}-linux-aarch_64.jar" ] \
        || die "no linux-aarch_64 counterpart of $(basename "$lib") in server/target/lib" ;;
    *-linux-x86_64.jar)
      twin="$work/natives/$(basename "${lib%-linux-x86_64.jar}")-linux-arm64.jar"
      [ -f "$twin" ] || die "no linux-arm64 counterpart of $(basename "$lib") (expected $(basename "$twin"))" ;;
    *) cp "$lib" "$work/app/lib/" ;;
  esac
done
cp "$work"/natives/*.jar "$work/app/lib/"
say "arm64 natives: $(cd "$work/natives" && ls | tr '\n' ' ')"

# --- arm64 run -----------------------------------------------------------------------------------------------------
arch="$("$qemu" -L "$sysroot" "$arm_java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *os.arch = //p')"
[ "$arch" = aarch64 ] || die "the emulated JVM reports os.arch '$arch', not aarch64"
say "arm64 JVM: $("$qemu" -L "$sysroot" "$arm_java" -version 2>&1 | sed -n 2p) (os.arch $arch)"
say "arm64: export (qemu)"
t0=$(date +%s)
run_arm64 export "$model" -o "$work/arm64/shapes-yolov8n.onnx" >"$work/arm64/export.log" 2>&1 \
  || { cat "$work/arm64/export.log" >&2; die "arm64 export failed"; }
export_s=$(( $(date +%s) - t0 ))
cmp -s "$work/x86/shapes-yolov8n.onnx" "$work/arm64/shapes-yolov8n.onnx" \
  || die "the arm64 export differs from the x86-64 export (the exporter promises reproducible bytes)"
say "arm64 export is byte-identical to the x86-64 one (${export_s} s)"
say "arm64: predict (qemu)"
t0=$(date +%s)
run_arm64 predict --model "$work/arm64/shapes-yolov8n.onnx" --json "$work/arm64/detections.json" "${images[@]}" \
  >"$work/arm64/predict.log" 2>&1 || { cat "$work/arm64/predict.log" >&2; die "arm64 predict failed"; }
predict_s=$(( $(date +%s) - t0 ))
grep -E '^(0000|Speed)' "$work/arm64/predict.log" | sed 's/^/[arm64] /' >&2 || true
# The ONNX Runtime library that ran must be the aarch64 one: the x86-64 one cannot load in an aarch64 JVM at all,
# and the JVM above is aarch64, so a successful predict already proves it; the log line names the provider.
grep -q 'onnxruntime-cpu' "$work/arm64/predict.log" || die "predict did not report the ONNX Runtime CPU engine"

# --- compare -------------------------------------------------------------------------------------------------------
java -cp "$root/server/target/lib/*" "$root/docker/arm64/CompareDetections.java" \
  "$work/x86/detections.json" "$work/arm64/detections.json"
say "done: arm64 export ${export_s} s, arm64 predict ${predict_s} s, total $(( $(date +%s) - started )) s"

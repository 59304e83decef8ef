#!/usr/bin/env bash
# Compiles every <src>/*.bpf.c into <out>/<name>.bpf.o (CO-RE: BTF and relocations kept, DWARF
# stripped) and writes <out>/bpf-objects.txt listing the object names, one per line, so Java code
# can find every packaged object without scanning the classpath.
# Called by bpf/pom.xml during generate-resources; usable by hand: bpf/build-bpf.sh SRC_DIR OUT_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 SRC_DIR OUT_DIR" >&2
  exit 2
fi
src_dir=$1
out_dir=$2

missing=()
command -v clang >/dev/null 2>&1 || missing+=("clang (package clang)")
command -v llvm-strip >/dev/null 2>&1 || missing+=("llvm-strip (package llvm)")
[[ -f /usr/include/bpf/bpf_helpers.h ]] || missing+=("/usr/include/bpf/bpf_helpers.h (package libbpf-dev)")
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "build-bpf.sh: cannot compile the eBPF programs, missing: ${missing[*]}" >&2
  echo "build-bpf.sh: install them with: apt-get install -y clang llvm libbpf-dev" >&2
  exit 1
fi

# bpf_tracing.h and CO-RE helpers need the kernel's name for the architecture, not uname's.
case "$(uname -m)" in
  x86_64) target_arch=x86 ;;
  aarch64) target_arch=arm64 ;;
  *) echo "build-bpf.sh: unsupported architecture $(uname -m) (add its __TARGET_ARCH_ name here)" >&2; exit 1 ;;
esac

shopt -s nullglob
sources=("$src_dir"/*.bpf.c)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "build-bpf.sh: no *.bpf.c files in $src_dir" >&2
  exit 1
fi

mkdir -p "$out_dir"
index="$out_dir/bpf-objects.txt"
: >"$index"
for source in "${sources[@]}"; do
  name=$(basename "$source" .bpf.c)
  object="$out_dir/$name.bpf.o"
  clang -O2 -g -Wall -Werror -target bpf -D__TARGET_ARCH_${target_arch} -I "$src_dir" -c "$source" -o "$object"
  # -g is what makes clang emit .BTF/.BTF.ext (needed for CO-RE); the DWARF it also emits is not.
  llvm-strip -g "$object"
  echo "$name" >>"$index"
  echo "build-bpf.sh: $source -> $object"
done

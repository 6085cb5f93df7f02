#!/bin/sh
# make-rpm.sh VERSION OUTDIR - `make rpm`: OUTDIR/tracebook-VERSION-1.x86_64.rpm from
# the static x86_64 binary (contrib/kit/tracebook.spec says what el7 needs of it).
set -eu
version=$1 out=$2
top=$(pwd)
rm -rf "$out"
mkdir -p "$out"
./contrib/kit/stage.sh "$out/stage"
rpmbuild -bb --quiet --target x86_64 \
	--define "_topdir $top/$out/rpmbuild" \
	--define "_rpmdir $top/$out" \
	--define "_dbpath $top/$out/rpmdb" \
	--define "tb_version $version" \
	--define "tb_stage $top/$out/stage" \
	contrib/kit/tracebook.spec
rm -rf "$out/rpmbuild"
echo "rpm: $(ls "$out"/*.rpm)"

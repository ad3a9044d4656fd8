#!/bin/sh
# refresh.sh downloads dist/echarts.min.js, LICENSE and NOTICE of the echarts
# release that go-echarts expects from the npm registry into this folder.
#
# Usage: report/assets/refresh.sh [VERSION]
#
# go-echarts v2.6.7 documents echarts 5.4.3 (its README badge and
# docs/en-us/dive-into.md); change the default together with go-echarts.
set -eu

version=${1:-5.4.3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
tarball=$(npm pack --silent "echarts@$version")
want=$(npm view "echarts@$version" dist.integrity)
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)"
if [ "$want" != "$got" ]; then
	echo "refresh.sh: integrity mismatch for echarts@$version: registry says $want, tarball is $got" >&2
	exit 1
fi
tar -xzf "$tarball" package/dist/echarts.min.js package/LICENSE package/NOTICE
cp package/dist/echarts.min.js package/LICENSE package/NOTICE "$here/"
echo "$version" >"$here/VERSION"
echo "refresh.sh: echarts $version written to $here"

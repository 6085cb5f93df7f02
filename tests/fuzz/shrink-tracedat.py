#!/usr/bin/env python3
# tests/fuzz/shrink-tracedat.py SRC DST PAGES - a small seed for fuzz_tracedat from a
# little-endian trace.dat version 6: the kmem event system only, 300 kallsyms text lines,
# at most PAGES pages per CPU of each buffer (top and instances), offsets rewritten.
# The seeds in tests/fuzz/corpus/tracedat/ come from tests/fixtures/live-6x/kmem-6x.dat:
#   trace-cmd convert --file-version 6 -i kmem-6x.dat -o v6.dat
#   tests/fuzz/shrink-tracedat.py v6.dat kmem-6x-v6.dat 2   (and 1 page: ...-1page.dat)
#   trace-cmd convert --compression none -i kmem-6x-v6.dat -o kmem-6x-v7.dat
import struct, sys
src, dst, npages = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = open(src, 'rb').read()
p = 0
def take(n):
    global p
    r = b[p:p+n]; p += n; return r
def cstr():
    global p
    e = b.index(b'\0', p); r = b[p:e+1]; p = e + 1; return r
out = bytearray()
magic = take(10); assert magic == b'\x17\x08Dtracing', magic
ver = cstr(); assert ver == b'6\0', ver
endian, lsize = take(1), take(1)
page = struct.unpack('<I', take(4))[0]
out += magic + ver + endian + lsize + struct.pack('<I', page)
hp = take(12); assert hp == b'header_page\0'
n = struct.unpack('<Q', take(8))[0]; out += hp + struct.pack('<Q', n) + take(n)
he = take(13); assert he == b'header_event\0'
n = struct.unpack('<Q', take(8))[0]; out += he + struct.pack('<Q', n) + take(n)
cnt = struct.unpack('<I', take(4))[0]; out += struct.pack('<I', cnt)
for i in range(cnt):
    n = struct.unpack('<Q', take(8))[0]; out += struct.pack('<Q', n) + take(n)
ns = struct.unpack('<I', take(4))[0]
keep = []
for i in range(ns):
    name = cstr(); sysb = bytearray(name)
    cnt = struct.unpack('<I', take(4))[0]; sysb += struct.pack('<I', cnt)
    for j in range(cnt):
        n = struct.unpack('<Q', take(8))[0]; sysb += struct.pack('<Q', n) + take(n)
    if name in (b'kmem\0',):
        keep.append(sysb)
out += struct.pack('<I', len(keep))
for k in keep:
    out += k
n = struct.unpack('<I', take(4))[0]; ks = take(n)
# keep the kallsyms lines the events name (kmem call sites): the first 300 text lines
lines = [l for l in ks.split(b'\n') if b' T ' in l or b' t ' in l][:300]
ks = b'\n'.join(lines) + b'\n'
out += struct.pack('<I', len(ks)) + ks
n = struct.unpack('<I', take(4))[0]; out += struct.pack('<I', n) + take(n)
n = struct.unpack('<Q', take(8))[0]; out += struct.pack('<Q', n) + take(n)
cpus = struct.unpack('<I', take(4))[0]; out += struct.pack('<I', cpus)
w = take(10); assert w == b'options  \0', w
opts = []
while True:
    oid = struct.unpack('<H', take(2))[0]
    if oid == 0:
        break
    osz = struct.unpack('<I', take(4))[0]
    opts.append([oid, take(osz)])
def read_fly(at):
    assert b[at:at+10] == b'flyrecord\0', b[at:at+10]
    t = []
    for c in range(cpus):
        off, sz = struct.unpack('<QQ', b[at+10+16*c: at+26+16*c])
        t.append((off, min(sz, npages * page)))
    e = at + 10 + 16 * cpus
    n = struct.unpack('<Q', b[e:e+8])[0]
    clocks.append(b[e:e+8+n])
    return t
clocks = []
top_at = p
topw = take(10)
flys = [('', read_fly(top_at) if topw == b'flyrecord\0' else None)]
for o in opts:
    if o[0] == 3:
        at = struct.unpack('<Q', o[1][:8])[0]
        flys.append((o, read_fly(at)))
# layout: options (BUFFER offsets patched later), top flyrecord, instance blocks, pages
def opts_bytes():
    r = bytearray(b'options  \0')
    for oid, data in opts:
        r += struct.pack('<HI', oid, len(data)) + data
    return r + struct.pack('<H', 0)
head_len = len(out) + len(opts_bytes()) + sum(10 + 16 * cpus + len(c) for c in clocks)
blocks_at = []
pos = len(out) + len(opts_bytes()) + 10 + 16 * cpus + len(clocks[0])
for k in range(1, len(flys)):
    blocks_at.append(pos); pos += 10 + 16 * cpus + len(clocks[k])
for k, at in zip(range(1, len(flys)), blocks_at):
    o = flys[k][0]; o[1] = struct.pack('<Q', at) + o[1][8:]
data_at = (head_len + page - 1) // page * page
pages = bytearray(); tables = []
for name, t in flys:
    tab = bytearray(b'flyrecord\0')
    for c in range(cpus):
        if t is None or t[c][1] == 0:
            tab += struct.pack('<QQ', 0, 0); continue
        off, sz = t[c]
        tab += struct.pack('<QQ', data_at + len(pages), sz)
        pages += b[off:off+sz]
    tab += clocks[len(tables)]
    tables.append(tab)
res = bytearray(out) + opts_bytes()
for tab in tables:
    res += tab
assert len(res) == head_len, (len(res), head_len)
res += b'\0' * (data_at - len(res)) + pages
open(dst, 'wb').write(res)
print(dst, len(res))

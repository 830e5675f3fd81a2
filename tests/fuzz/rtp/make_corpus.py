#!/usr/bin/env python3
"""Writes the RTP and RTCP seed corpora (run from this folder: ./make_corpus.py)."""
import os

RTP = {
    "opus-basic": "80e0123400 01e240deadbeef010203",
    "csrc-padding": "a200ffffffffffff00000001111111112222222 2aabb000003",
    "one-byte-ext": "906f00010000000000000002bede000210ab00320102030 0fe",
    "two-byte-ext": "906000020000001000000003100000030502cafe00070014 03616263 90",
    "other-ext": "906000010000000000000001123400 01ffffffff",
    "telephone-event": "80650001000000a000000042 0b8a0320",
    "padding-only": "a0600001000000000000000100000004",
}
RTCP = {
    "sr": "81c8000c5d931534dd3ac1b476547171 0008cf0000000e180008cf00"
          "01932db450fffffe000104d20000002ac1b4765400018000",
    "rr": "81c900070000000100000002400000050000ffff0000010000000000 00000000",
    "sdes": "81ca00041122334401097461 6e64656d2d303100",
    "sdes-multi": "82ca000700000001010361626306026777000000 00000002010477787 97a0000",
    "bye": "82cb00055d93153401932db40a63616c6c20656e64656400",
    "app": "83cc0003000000075 44e444d deadbeef",
    "nack": "81cd0004000000018b0ff00d03e80005fffe8001",
    "pli": "81ce0002000000018b0ff00d",
    "fir": "84ce00040000000100000000aabbccdd07000000",
    "remb": "8fce00050000000100000000524 54d42010bd0908b0ff00d",
    "sr-sdes": "80c8000600001001e900000080000000 00003e80000000320000 1f40"
               "81ca00030000100101056 16c69636500",
    "rr-padded": "a0c90002000000010000 0004",
    "rr-xr": "80c900010000000180cf0000",
}

for folder, seeds in (("corpus/rtp", RTP), ("corpus/rtcp", RTCP)):
    os.makedirs(folder, exist_ok=True)
    for name, text in seeds.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(bytes.fromhex(text.replace(" ", "")))

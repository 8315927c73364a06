"""wechat.py reads every file named on the command line with WeChat's own QR
engine -- OpenCV's wechat_qrcode module: a CNN detector and a super-resolution
model in front of a zxing-derived decoder -- and prints one JSON line per file
in qrgate's record shape, so the corpus scorer can score it like any reader.

    /usr/bin/python3 wechat.py MODEL_DIR FILE...

MODEL_DIR holds detect.prototxt, detect.caffemodel, sr.prototxt and
sr.caffemodel (WeChatCV/opencv_3rdparty, branch wechat_qrcode; not committed:
benchmarks/compare extracts them). One process reads every file, single-
threaded, so the process's CPU time over a set is the engine's cost per image
plus one model load, as for the other readers. It reads QR codes only.
"""

import json
import os
import sys
import time

import cv2

MODELS = ("detect.prototxt", "detect.caffemodel", "sr.prototxt", "sr.caffemodel")

# OpenCV 4.6's imread has no GIF decoder; its FFmpeg backend reads GIF
# frames. A GIF with more frames than this is read up to here: enough for
# the frame a code hides in, bounded against a hostile file.
MAX_GIF_FRAMES = 64


def load_frames(path):
    """The images of a file: one for a still image, every frame of a GIF."""
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is not None:
        return [img]
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic not in (b"GIF87a", b"GIF89a"):
        return []
    cap = cv2.VideoCapture(path)
    frames = []
    try:
        while len(frames) < MAX_GIF_FRAMES:
            ok, frame = cap.read()
            if not ok:
                break
            frames.append(frame)
    finally:
        cap.release()
    return frames


def read_file(detector, path):
    rec = {"file": path, "findings": [], "error": None}
    frames = load_frames(path)
    if not frames:
        rec["error"] = {"code": "unsupported", "message": "OpenCV cannot decode this file"}
        return rec
    for index, img in enumerate(frames):
        try:
            texts, points = detector.detectAndDecode(img)
        except UnicodeDecodeError as e:
            # The engine hands back a code's bytes as they are (Shift_JIS,
            # Latin-1, ...), without converting them to UTF-8; OpenCV's
            # binding then cannot make a str of them and drops every result
            # of the call. Such a payload would not equal the UTF-8 text of
            # the label anyway, so the image counts as unread, with a reason.
            rec["error"] = {"code": "non_utf8", "message": "frame %d: a payload is not UTF-8 (%s)" % (index, e)}
            continue
        for text, corners in zip(texts, points):
            rec["findings"].append({
                "source": "image",
                "frame": index,
                "symbology": "QR_CODE",
                "payload": text,
                "corners": [[int(round(float(x))), int(round(float(y)))] for x, y in corners],
            })
    return rec


def main(argv):
    if len(argv) < 2:
        print("usage: wechat.py MODEL_DIR FILE...", file=sys.stderr)
        return 2
    model_dir, files = argv[1], argv[2:]
    # Single-threaded, like every other reader in the comparison: CPU per
    # image is then the engine's cost, not the number of cores it spreads on.
    cv2.setNumThreads(1)
    detector = cv2.wechat_qrcode_WeChatQRCode(*(os.path.join(model_dir, m) for m in MODELS))
    print("opencv %s, wechat_qrcode, threads %d" % (cv2.__version__, cv2.getNumThreads()), file=sys.stderr)
    for path in files:
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            rec = read_file(detector, path)
        except Exception as e:  # one bad file is that file's error, not the run's
            rec = {"file": path, "findings": [], "error": {"code": "reader", "message": str(e)}}
        rec["elapsed_ms"] = (time.perf_counter() - t0) * 1000
        rec["cpu_ms"] = (time.process_time() - c0) * 1000
        sys.stdout.write(json.dumps(rec) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

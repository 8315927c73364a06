"""A stand-in for OpenCV's cv2 with just what wechat.py calls, so its tests
run the real script without OpenCV or WeChat's models.

A test "image" is a text file: "IMG" then one "qr:PAYLOAD" line per code
(PAYLOAD with \\n for a newline; "qr:SJIS" stands for a code whose bytes
are not UTF-8, which the real binding fails on); a GIF is "GIF89a" then
frames separated by "--frame--" lines; "RAISE" makes the detector fail.
The detector refuses to run unless cv2.setNumThreads(1) was called, as the
comparison requires.
"""

__version__ = "0.0-fake"
IMREAD_COLOR = 1
_threads = [4]


def setNumThreads(n):
    _threads[0] = n


def getNumThreads():
    return _threads[0]


def _payloads(text):
    return [l[3:].replace("\\n", "\n") for l in text.splitlines() if l.startswith("qr:")]


def imread(path, flags=IMREAD_COLOR):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None  # as OpenCV: no exception, no image
    if data.startswith(b"IMG") or data.startswith(b"RAISE"):
        return data.decode("utf-8")
    return None


class VideoCapture:
    def __init__(self, path):
        with open(path, "rb") as f:
            self._frames = f.read().decode("utf-8")[6:].split("--frame--")

    def read(self):
        if not self._frames:
            return False, None
        return True, self._frames.pop(0)

    def release(self):
        pass


class wechat_qrcode_WeChatQRCode:
    def __init__(self, *models):
        if len(models) != 4:
            raise ValueError("want 4 model paths")

    def detectAndDecode(self, img):
        if _threads[0] != 1:
            raise RuntimeError("not single-threaded")
        if img.startswith("RAISE"):
            raise RuntimeError("detector failed")
        texts = _payloads(img)
        if "SJIS" in texts:
            raise UnicodeDecodeError("utf-8", b"\xc3\xde", 0, 1, "invalid continuation byte")
        return tuple(texts), [[[1.4, 2.6], [10.0, 2.0], [10.0, 9.0], [1.0, 9.0]] for _ in texts]

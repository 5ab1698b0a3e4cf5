"""BlazePose full through MediaPipe 0.10.21's legacy Pose solution, static mode (VISION.md 6.1,
6.3): every frame is detected on its own, so a clip's median is not biased by tracking."""

import hashlib
from importlib import resources
from typing import Any

from hipalign.core.posture.geometry import Landmark

MEDIAPIPE_VERSION = "0.10.21"
# VISION.md 1: the model files shipped in the wheel, pinned by hash; a result names its model.
MODEL_SHA256 = {
    "pose_detection.tflite": "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    "pose_landmark_full.tflite": "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
}
SECOND_PERSON_VISIBILITY = 0.8  # [rule] shoulders and hips this visible: a real second person
MODEL_ID = f"mediapipe {MEDIAPIPE_VERSION} BlazePose full (pose_landmark_full.tflite), static mode"


class ModelMismatch(RuntimeError):
    """The installed model files are not the pinned ones: results would not be comparable."""


def verify_model() -> None:
    import mediapipe

    if mediapipe.__version__ != MEDIAPIPE_VERSION:
        raise ModelMismatch(
            f"mediapipe {mediapipe.__version__} installed, {MEDIAPIPE_VERSION} pinned"
        )
    base = {
        "pose_detection.tflite": ("mediapipe.modules.pose_detection", "pose_detection.tflite"),
        "pose_landmark_full.tflite": (
            "mediapipe.modules.pose_landmark",
            "pose_landmark_full.tflite",
        ),
    }
    for name, (package, filename) in base.items():
        digest = hashlib.sha256((resources.files(package) / filename).read_bytes()).hexdigest()
        if digest != MODEL_SHA256[name]:
            raise ModelMismatch(f"{name} does not match its pinned sha256")


class PoseModel:
    """One model instance, reused across frames (building it costs 6-15 ms, VISION.md 2)."""

    def __init__(self) -> None:
        import mediapipe as mp

        verify_model()
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=True, model_complexity=1, enable_segmentation=False
        )

    def landmarks(self, rgb: Any) -> list[Landmark] | None:
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        return [
            Landmark(x=float(p.x), y=float(p.y), visibility=float(p.visibility))
            for p in result.pose_landmarks.landmark
        ]

    def people(self, rgb: Any, found: list[Landmark]) -> int:
        """1, or 2 when a second person shows once the first is covered up.

        BlazePose returns one person, not necessarily the intended one, and no count (VISION.md
        3.10), so the found person's box is greyed out and the model asked again [rule]."""
        import numpy as np

        h, w = rgb.shape[:2]
        xs = [p.x * w for p in found if p.visibility >= SECOND_PERSON_VISIBILITY]
        ys = [p.y * h for p in found if p.visibility >= SECOND_PERSON_VISIBILITY]
        if not xs:
            return 1
        pad_x = (max(xs) - min(xs)) * 0.25 + 0.02 * w
        pad_y = (max(ys) - min(ys)) * 0.10 + 0.02 * h
        x0, x1 = int(max(0, min(xs) - pad_x)), int(min(w, max(xs) + pad_x))
        y0, y1 = int(max(0, min(ys) - pad_y)), int(min(h, max(ys) + pad_y))
        covered = np.array(rgb, copy=True)
        covered[y0:y1, x0:x1] = 128
        other = self.landmarks(covered)
        if other is None:
            return 1
        key = [other[i].visibility for i in (11, 12, 23, 24)]
        return 2 if min(key) >= SECOND_PERSON_VISIBILITY else 1

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> "PoseModel":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Execution provider choice: CUDA only when a session really runs on it, CPU always last."""

from __future__ import annotations

import onnxruntime as ort
import pytest

from studio.segmentation import ModelError
from studio.segmentation.providers import CPU, CUDA, available_providers, cuda_usable, preferred_providers


def test_default_choice_matches_what_a_session_gets() -> None:
    providers = preferred_providers()
    assert providers[-1] == CPU
    assert (providers[0] == CUDA) == cuda_usable()
    assert available_providers() == ort.get_available_providers()


def test_requested_providers() -> None:
    assert preferred_providers([CPU]) == [CPU]
    with pytest.raises(ModelError, match="NoSuchExecutionProvider not offered"):
        preferred_providers(["NoSuchExecutionProvider"])


@pytest.mark.skipif(cuda_usable(), reason="CUDA works on this machine")
def test_requesting_unusable_cuda_is_an_error() -> None:
    if CUDA in available_providers():
        with pytest.raises(ModelError, match="cannot start"):
            preferred_providers([CUDA])
    else:
        with pytest.raises(ModelError, match="not offered"):
            preferred_providers([CUDA])

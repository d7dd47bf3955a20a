from __future__ import annotations

import pytest

from pipeline.engines import EngineOptions, create_engine
from pipeline.errors import ConfigError


@pytest.mark.parametrize("name", ["whisper.cpp", "", "Faster-Whisper"])
def test_unknown_engine_is_a_config_error_naming_the_choices(name: str) -> None:
    with pytest.raises(ConfigError) as err:
        create_engine(EngineOptions(engine=name))
    message = str(err.value)
    assert repr(name) in message
    for known in ("faster-whisper", "openai-whisper", "transformers"):
        assert known in message

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xinyong.screening.normalise import (
    FULL_WIDTH,
    SPACING,
    TRADITIONAL,
    normalise,
)


def test_width_script_spacing_and_suffix():
    a = normalise("华为技术有限公司")
    b = normalise("華為技術 有限責任公司")
    c = normalise("华为技术（集团）有限公司")
    assert a.core == b.core == c.core == "华为技术"
    assert TRADITIONAL in b.steps and SPACING in b.steps
    assert FULL_WIDTH in c.steps
    assert a.canonical != b.canonical  # the legal form differs: a variant, not the same name


def test_full_width_latin_and_case():
    n = normalise("ＡＢＣ科技有限公司")
    assert n.canonical == "abc科技有限公司"


def test_suffix_never_empties_a_name():
    assert normalise("有限公司").core
    assert normalise("公司").core == "公司"


names = st.text(alphabet=st.sampled_from(list("华为腾讯技術科技有限责任公司集团() （）ａＢ 　-·")),
                min_size=1, max_size=20)


@given(names)
def test_normalisation_is_idempotent(name):
    once = normalise(name)
    assert normalise(once.canonical).canonical == once.canonical
    assert once.core in once.canonical or "集团" in once.canonical

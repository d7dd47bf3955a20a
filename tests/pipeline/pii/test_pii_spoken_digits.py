from pipeline.pii.spoken_digits import canonical_digits, digit_runs, project


def test_project_keeps_length_and_maps_digits() -> None:
    text = "幺三八零零一二三四五六，１２"
    proj = project(text)
    assert len(proj) == len(text)
    assert proj == "13800123456，12"


def test_weak_digits_only_between_digits() -> None:
    assert project("我要三八") == "我要38"  # 要 at the start of a number is the verb
    assert project("三要八") == "318"


def test_runs_join_groups_over_separators() -> None:
    runs = digit_runs("号码 幺三八 零零一二杠三四五六 好的")
    assert len(runs) == 1
    assert "".join(g.digits for g in runs[0]) == "13800123456"
    assert runs[0][0].start == 3 and runs[0][-1].end == 16


def test_runs_split_over_words() -> None:
    runs = digit_runs("3月5号还2000")
    assert [["".join(g.digits) for g in r] for r in runs] == [["3"], ["5"], ["2000"]]


def test_id_check_character_x() -> None:
    runs = digit_runs("身份证11010519491231002叉")
    assert runs[0][-1].digits.endswith("X")
    assert canonical_digits("幺幺零 叉") == "110X"


def test_glued_to_letters() -> None:
    (run,) = digit_runs("HT20240315")
    assert run[0].glued_left

from parsers.vntext import collapse_ws, find_links, fold, nfc


def test_fold_strips_case_marks_punctuation_and_nfd() -> None:
    nfd = "Ho\u0323 va\u0300 te\u0302n:"
    assert fold(nfd) == fold("HỌ VÀ TÊN") == "ho va ten"
    assert fold("Đơn vị  công-tác") == "don vi cong tac"


def test_nfc_and_collapse() -> None:
    assert nfc("Vie\u0323\u0302t") == "Việt"
    assert collapse_ws(" a \n\t b\u00a0 c ") == "a b c"


def test_find_links_trims_dedupes_and_accepts_bare_hosts() -> None:
    text = ("Xem https://drive.google.com/drive/folders/abc, và (https://youtu.be/x1). "
            "Lại https://drive.google.com/drive/folders/abc; drive.google.com/file/d/9 "
            "youtu.be/k2 www.truong.edu.vn/tin.")
    assert find_links(text) == [
        "https://drive.google.com/drive/folders/abc", "https://youtu.be/x1",
        "https://drive.google.com/file/d/9", "https://youtu.be/k2", "https://www.truong.edu.vn/tin"]


def test_find_links_ignores_plain_text() -> None:
    assert find_links("Giấy khen năm 2023; không có link") == []

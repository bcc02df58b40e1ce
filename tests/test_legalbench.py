from assistant.evaluate.legalbench import merge, score


def test_merge_spans():
    assert merge([(5, 10), (0, 3), (8, 12)]) == [(0, 3), (5, 12)]


def test_precision_and_recall_count_characters_once():
    gold = [("a.txt", 100, 200)]
    assert score([("a.txt", 100, 200)], gold) == (1.0, 1.0)
    p, r = score([("a.txt", 150, 250), ("a.txt", 150, 250), ("b.txt", 0, 100)], gold)
    assert r == 0.5 and p == 50 / 200
    assert score([], gold) == (0.0, 0.0)

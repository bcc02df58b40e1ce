from assistant.retrieve.fusion import convex, drop_overlapping, rrf


def test_convex_mixes_cosine_and_scaled_bm25():
    ranked = convex({"a": 0.8, "b": 0.5}, {"b": 10.0, "c": 5.0}, dense_weight=0.5)
    scores = dict(ranked)
    assert scores["a"] == 0.4 and scores["b"] == 0.75 and scores["c"] == 0.25
    assert [cid for cid, _ in ranked] == ["b", "a", "c"]


def test_convex_boost_and_weights():
    assert convex({"a": 0.5}, {}, 1.0, boost={"a": 0.1})[0][1] == 0.6
    assert convex({}, {"x": 3.0}, 0.0)[0] == ("x", 1.0)


def test_rrf_prefers_ids_in_both_lists():
    ranked = rrf([["a", "b", "c"], ["c", "a"]], k=60)
    assert ranked[0][0] == "a" and {cid for cid, _ in ranked} == {"a", "b", "c"}


def test_drop_overlapping_keeps_best_of_overlapping_spans():
    kept = drop_overlapping([("1", ("d", 0, 100)), ("2", ("d", 10, 110)), ("3", ("d", 95, 200)),
                             ("4", ("e", 0, 100))])
    assert kept == ["1", "3", "4"]

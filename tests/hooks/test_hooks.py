import pytest

import hooks


def test_a_misspelt_hook_is_refused_when_registering_and_when_asked():
    with pytest.raises(LookupError, match="story_pathz"):
        hooks.register("story_pathz", lambda story: [])
    with pytest.raises(LookupError):
        hooks.get("story_pathz")


def test_registering_twice_calls_once_and_order_is_kept(monkeypatch):
    monkeypatch.setattr(hooks, "_registered", {})

    def first(story):
        return ["/a/"]

    def second(story):
        return ["/b/"]

    hooks.register("story_paths", first)
    hooks.register("story_paths", second)
    hooks.register("story_paths", first)
    assert hooks.get("story_paths") == [first, second]
    assert hooks.get("desk_items") == []

"""The upgrade check names what an upgrade lost (deploy/upgrade_check.py; `make upgrade-check`)."""

from deploy.upgrade_check import MOVED, defects, renamed


def counts(tables: dict, groups: dict) -> dict:
    return {"tables": tables, "groups": groups}


def test_moved_permissions_are_compared_under_their_new_names():
    assert renamed("articles.view_trackbackping") == "linkbacks.view_sentlinkback"
    assert renamed("comments.change_trackbacktoken") == "linkbacks.change_trackbacktoken"
    assert renamed("comments.view_verifiedsite") == "linkbacks.view_verifiedsite"
    assert renamed("newsroom.view_workerheartbeat") == "operations.view_workerheartbeat"
    assert renamed("articles.publish_article") == "articles.publish_article"


def test_an_upgrade_that_keeps_everything_passes():
    tables = {table: 2 for table in MOVED.values()} | {"articles_article": 5}
    before = counts(tables, {"Editors": ["articles.view_trackbackping"]})
    after = counts(tables | {"new_table": 0}, {"Editors": ["linkbacks.view_sentlinkback"]})
    moved = dict.fromkeys(MOVED, 2)
    assert defects(before, after, moved, {"a.jpg": "1"}, {"a.jpg": "1", "b.jpg": "2"}) == []


def test_every_loss_is_named():
    tables = {table: 2 for table in MOVED.values()} | {"articles_article": 5, "gone": 1}
    before = counts(tables, {"Editors": ["comments.view_verifiedsite", "articles.view_article"]})
    after_tables = {table: 2 for table in MOVED.values()} | {"articles_article": 4}
    after = counts(after_tables, {"Editors": ["articles.view_article"]})
    moved = dict.fromkeys(MOVED, 2) | {"linkbacks.SentLinkback": 0}
    files_before = {"lead.jpg": "1", "body.png": "2"}
    assert defects(before, after, moved, files_before, {"body.png": "3"}) == [
        "table articles_article lost 1 of its 5 rows",
        "table gone is gone (1 rows)",
        "linkbacks.SentLinkback reads 0 rows; articles_trackbackping had 2",
        "media file body.png changed",
        "media file lead.jpg is missing",
        "group Editors lost linkbacks.view_verifiedsite",
    ]

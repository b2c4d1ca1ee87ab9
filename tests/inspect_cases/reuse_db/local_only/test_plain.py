def test_plain(db):
    pass

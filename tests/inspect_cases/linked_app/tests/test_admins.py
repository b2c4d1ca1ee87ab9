import pytest

from club.factories import AdminMemberFactory


@pytest.mark.django_db
def test_two_admins_share_the_admin_team():
    first = AdminMemberFactory()
    second = AdminMemberFactory()
    assert first.team == second.team

def test_staff_home_renders(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/").status_code == 200

def username(request, credentials=None):
    """The login name django-axes counts failures for.

    django-allauth authenticates with ``username=``; its login form posts ``login``.
    """
    if credentials and credentials.get("username"):
        return credentials["username"]
    data = getattr(request, "POST", {}) if request is not None else {}
    return data.get("login") or data.get("username")

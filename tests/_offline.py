"""A helper for tests of downloads: keras.utils.get_file as on a machine with no network."""
import keras


def offline_get_file(monkeypatch):
    """A get_file that finds cached files as usual but whose every download attempt fails."""
    real = keras.utils.get_file

    def get_file(*args, **kwargs):
        import urllib.request

        def refuse(*a, **k):
            raise OSError("no network")

        monkeypatch.setattr(urllib.request, "urlretrieve", refuse)
        return real(*args, **kwargs)

    return get_file

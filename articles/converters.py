from django.urls import register_converter


class FourDigitYearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigitConverter:
    """Month or day as two digits: `6` reverses to `06`; the view receives the string."""

    regex = "[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{int(value):02d}"


# Registered on import, once, for every app whose URLs hang under a story's date path.
register_converter(FourDigitYearConverter, "yyyy")
register_converter(TwoDigitConverter, "dd")



def test_a_listing_has_minimum_and_maximum_ends_like_a_penalty():
    from datetime import date

    from xinyong.lists.rules import publication_periods

    # Serious dishonesty: listed 3 years, early removal after 1 year.
    assert publication_periods(date(2026, 3, 1), date(2029, 3, 1), True, 1) == (
        date(2027, 2, 28), date(2029, 2, 28))
    # No early removal: the minimum is the maximum.
    assert publication_periods(date(2026, 3, 1), date(2029, 3, 1), False, 0) == (
        date(2029, 2, 28), date(2029, 2, 28))
    assert publication_periods(None, None, True, 1) == (None, None)

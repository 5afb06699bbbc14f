"""What a person does on a page before sending its forms."""


def comment_form_ready(page):
    """Focus the comment form and wait for the fresh time stamp its script fetches then, as a
    person (who takes seconds to type) always would; sent before it, a stored page's own stamp
    is refused."""
    stamp = page.locator("#comment-form [name=rendered]")
    stored = stamp.input_value()
    page.locator("#comment-form [name=body]").focus()
    page.wait_for_function(
        "(old) => document.querySelector('#comment-form [name=rendered]').value !== old",
        arg=stored,
    )

from django.tasks import task


@task
def sitemaps_prebuild() -> None:
    """Build every sitemap page into the page cache after a write, so no crawler waits for one."""
    from delivery.pagecache import page_prerender

    from .crawler_views import sitemap_paths

    for path, query in sitemap_paths():
        page_prerender(path, query)

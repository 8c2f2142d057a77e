"""Discovery: finding the URLs a crawl should fetch (robots.txt, sitemaps, feeds, links).

Every function here is pure and synchronous: bytes (or a parsed tree) and a URL in,
frozen dataclasses out. Fetching, scheduling and politeness belong to the crawler.
"""

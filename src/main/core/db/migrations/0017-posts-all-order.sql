-- The Posts view's "All" tab sorts by when a post was or will be published, else its last edit
-- (see viewShape in the post store). Without an index on that expression every page of it sorted
-- the whole table (about 25 ms a page at 100,000 posts); with it a page is a walk down the index.
CREATE INDEX posts_by_moment ON posts (COALESCE(calendar_at, updated_at));

-- See db/migration/postgresql/V3. H2 has no partial indexes: unpublished tasks are found (in the
-- order they are resent) through a full index that replaces the V1 one.
CREATE INDEX tasks_status_updated ON tasks (status, updated_at);
DROP INDEX tasks_unpublished;
CREATE INDEX tasks_unpublished ON tasks (status, published, priority DESC, id);

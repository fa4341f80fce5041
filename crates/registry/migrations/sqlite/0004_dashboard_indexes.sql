-- Covering indexes for the dashboard's grouped counts: they scan the index, not the table.
CREATE INDEX projects_breakdown ON projects (hosting_kind, sensitivity, procedure, verdict, ministry_id);
CREATE INDEX projects_ministry_breakdown ON projects (ministry_id, hosting_kind, sensitivity, procedure, verdict);
CREATE INDEX projects_obstacles ON projects (ministry_id, obstacles);

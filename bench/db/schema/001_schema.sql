-- A ~20-table schema for bench/db: foreign keys, indexes, defaults, like a small SaaS app.
create table organizations (
  id bigint generated always as identity primary key,
  name text not null unique,
  created_at timestamptz not null default now()
);
create table users (
  id bigint generated always as identity primary key,
  organization_id bigint not null references organizations (id) on delete cascade,
  email text not null unique,
  name text not null default '',
  created_at timestamptz not null default now()
);
create index users_org on users (organization_id);
create table teams (
  id bigint generated always as identity primary key,
  organization_id bigint not null references organizations (id) on delete cascade,
  name text not null
);
create table team_members (
  team_id bigint not null references teams (id) on delete cascade,
  user_id bigint not null references users (id) on delete cascade,
  role text not null default 'member',
  primary key (team_id, user_id)
);
create table projects (
  id bigint generated always as identity primary key,
  organization_id bigint not null references organizations (id) on delete cascade,
  key text not null,
  name text not null,
  unique (organization_id, key)
);
create table project_members (
  project_id bigint not null references projects (id) on delete cascade,
  user_id bigint not null references users (id) on delete cascade,
  primary key (project_id, user_id)
);
create table labels (
  id bigint generated always as identity primary key,
  project_id bigint not null references projects (id) on delete cascade,
  name text not null,
  color text not null default '#888888'
);
create table milestones (
  id bigint generated always as identity primary key,
  project_id bigint not null references projects (id) on delete cascade,
  title text not null,
  due_on date
);
create table issues (
  id bigint generated always as identity primary key,
  project_id bigint not null references projects (id) on delete cascade,
  milestone_id bigint references milestones (id) on delete set null,
  author_id bigint not null references users (id),
  title text not null,
  body text not null default '',
  state text not null default 'open' check (state in ('open', 'closed')),
  created_at timestamptz not null default now()
);
create index issues_project_state on issues (project_id, state);
create table issue_labels (
  issue_id bigint not null references issues (id) on delete cascade,
  label_id bigint not null references labels (id) on delete cascade,
  primary key (issue_id, label_id)
);
create table comments (
  id bigint generated always as identity primary key,
  issue_id bigint not null references issues (id) on delete cascade,
  author_id bigint not null references users (id),
  body text not null,
  created_at timestamptz not null default now()
);
create index comments_issue on comments (issue_id);
create table attachments (
  id bigint generated always as identity primary key,
  comment_id bigint not null references comments (id) on delete cascade,
  filename text not null,
  bytes integer not null check (bytes >= 0)
);
create table sprints (
  id bigint generated always as identity primary key,
  project_id bigint not null references projects (id) on delete cascade,
  starts_on date not null,
  ends_on date not null
);
create table sprint_issues (
  sprint_id bigint not null references sprints (id) on delete cascade,
  issue_id bigint not null references issues (id) on delete cascade,
  primary key (sprint_id, issue_id)
);
create table notifications (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id) on delete cascade,
  payload jsonb not null default '{}'::jsonb,
  read_at timestamptz
);
create index notifications_unread on notifications (user_id) where read_at is null;
create table webhooks (
  id bigint generated always as identity primary key,
  organization_id bigint not null references organizations (id) on delete cascade,
  url text not null,
  secret text not null
);
create table webhook_deliveries (
  id bigint generated always as identity primary key,
  webhook_id bigint not null references webhooks (id) on delete cascade,
  status integer,
  delivered_at timestamptz not null default now()
);
create table audit_events (
  id bigint generated always as identity primary key,
  organization_id bigint not null references organizations (id) on delete cascade,
  actor_id bigint references users (id),
  action text not null,
  at timestamptz not null default now()
);
create table api_tokens (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id) on delete cascade,
  token_hash text not null unique,
  expires_at timestamptz
);
create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id bigint not null references users (id) on delete cascade,
  expires_at timestamptz not null
);

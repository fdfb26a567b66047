-- The schema every ORM compatibility test runs on: one table, one row per account.
create table accounts (
  id      serial primary key,
  owner   text not null,
  balance integer not null
);

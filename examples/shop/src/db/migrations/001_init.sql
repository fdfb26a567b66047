-- The shop's schema. Applied once per schema hash by fray/db (cached snapshot / template).
create table users (
  id          bigint generated always as identity primary key,
  name        text not null check (length(name) between 1 and 100),
  email       text not null unique,
  created_at  timestamptz not null default now()
);

create table artists (
  id          bigint generated always as identity primary key,
  name        text not null unique,
  genre       text,
  created_at  timestamptz not null default now()
);

create table albums (
  id          bigint generated always as identity primary key,
  artist_id   bigint not null references artists (id) on delete cascade,
  title       text not null check (length(title) between 1 and 200)
);

create table products (
  id          bigint generated always as identity primary key,
  sku         text not null unique,
  name        text not null,
  price_cents integer not null check (price_cents >= 0),
  stock       integer not null check (stock >= 0)
);

create table orders (
  id          bigint generated always as identity primary key,
  user_id     bigint not null references users (id),
  product_id  bigint not null references products (id),
  quantity    integer not null check (quantity > 0),
  idempotency_key text unique,
  created_at  timestamptz not null default now()
);

create table meli_tokens (
  user_id        bigint primary key references users (id) on delete cascade,
  access_token   text not null,
  refresh_token  text not null,
  expires_at     timestamptz not null,
  scope          text not null default 'offline_access read write'
);

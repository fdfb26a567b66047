-- Orders placed on the marketplace, as its webhooks report them (the marketplace owns the id).
create table marketplace_orders (
  id          bigint primary key,
  status      text not null check (status in ('created', 'paid')),
  updated_at  timestamptz not null default now()
);

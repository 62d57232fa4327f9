-- Runs once, when the PostgreSQL volume is created: the management deployment's own database.
create database management;

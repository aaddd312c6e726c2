-- One database per service: the two services never share storage.
create database membership;
create database reporting;

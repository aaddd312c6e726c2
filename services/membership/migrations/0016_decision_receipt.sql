-- The day the cell received the admission decision ('YYYY-MM-DD' text, NULL while not known, as
-- ceremony_date): the 30 working days for the ceremony run from it. The members stored so far do
-- not have it; their ceremony's time counts from the decision, as before.
alter table members add column decision_received_date text;

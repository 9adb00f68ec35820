{{ config(severity='warn') }}

-- Warns, never fails: a build that quarantined rows says so, one result per extract and rule. The rows are in
-- rejected_rows, and member_status says which members they kept from being segmented.
select
    source_table,
    rejection_rule,
    sum(extract_rows) as rejected_rows

from {{ ref('rejected_rows') }}
group by source_table, rejection_rule

{#- The randomized holdout of member_outreach (docs/OUTREACH_LIFT.md#the-holdout). A member's draw is a number in
    [0, 1) fixed by member_id, the as-of date and var('outreach_holdout_salt'): the first eight hex digits of
    md5('<member_id>:<YYYY-MM-DD>:<salt>') divided by 2^32. The member is held out when the draw is below
    var('outreach_holdout_share'). Draws do not depend on the segment, so every segment holds out the share
    in expectation (within 0.6 points at 25,000 members, three standard errors), and a member's group is known
    before any model runs: the demo generator and the tests call the same function in Python
    (member_segmentation.holdout.holdout_draw); python/tests/unit/test_holdout.py checks they agree. -#}

{% macro outreach_holdout_draw(member_id, as_of_date) -%}
    {%- set key = dbt.concat([
        member_id, "':'", 'cast(' ~ as_of_date ~ ' as ' ~ dbt.type_string() ~ ')', "':'",
        dbt.string_literal(var('outreach_holdout_salt'))
    ]) -%}
    {{ hex_prefix_to_bigint(dbt.hash(key)) }} / 4294967296.0
{%- endmacro %}

{% macro outreach_group(member_id, as_of_date) -%}
    case
        when {{ outreach_holdout_draw(member_id, as_of_date) }} < {{ var('outreach_holdout_share') }} then 'holdout'
        else 'outreach'
    end
{%- endmacro %}

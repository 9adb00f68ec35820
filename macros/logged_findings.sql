{#- For a warn-severity singular test: logs the `finding` column of every row the test's query returns (dbt
    prints only how many rows a test returns), then renders the query as the test's SQL. -#}
{% macro logged_findings(relation, findings_sql) %}
    {%- if execute and load_relation(relation) is not none -%}
        {%- for row in run_query(findings_sql).rows -%}
            {%- do log(row['finding'], info=True) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ findings_sql }}
{% endmacro %}

{#- The age brackets of ACA marketplace reporting (children, young adults up to 25 on a parent's plan, then
    ten-year bands to Medicare age): 0-17, 18-25, 26-34, 35-44, 45-54, 55-64, 65+. -#}
{% macro aca_age_band(age) -%}
    case
        when {{ age }} < 18 then '0-17'
        when {{ age }} < 26 then '18-25'
        when {{ age }} < 35 then '26-34'
        when {{ age }} < 45 then '35-44'
        when {{ age }} < 55 then '45-54'
        when {{ age }} < 65 then '55-64'
        else '65+'
    end
{%- endmacro %}

{#- The configured segmentation question. var segmentation_question names one entry of var
    segmentation_questions; the check lives here so that a typo fails at compile time, naming both vars. -#}

{% macro segmentation_question_settings() %}
    {%- set question = var('segmentation_question') -%}
    {%- set questions = var('segmentation_questions') -%}
    {%- if questions is not mapping or question not in questions -%}
        {#- While parsing, an unknown question renders as one without features: check_vars (on-run-start)
            then stops the build naming the var, before any model runs. -#}
        {%- if not execute -%}
            {{ return({'features': [], 'log1p_features': [], 'n_segments': none}) }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            "var segmentation_question: '" ~ question ~ "' is not one of var segmentation_questions "
            ~ (questions | list | sort | join(', '))
        ) }}
    {%- endif -%}
    {{ return(questions[question]) }}
{% endmacro %}

{% macro segmentation_question() -%}
    {%- do segmentation_question_settings() -%}
    {{ dbt.string_literal(var("segmentation_question")) }}
{%- endmacro %}

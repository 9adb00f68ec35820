{#- Nearest centroid in SQL, so assigning every member scales with the warehouse, not with Python's memory.
    The features are the configured question's (var segmentation_questions); segment_centroids was fitted on
    exactly these, in this order, and carries the clip bounds, transform and scaling that map a member onto its
    centroids (macros/cross_db/feature_transform.sql mirrors the package's NumPy, which the tests hold it to). -#}
{%- set features = segmentation_question_settings()['features'] -%}

with

member_features as (

    select * from {{ ref('member_features') }}

),

segment_centroids as (

    select * from {{ ref('segment_centroids') }}

),

scaling as (

    -- One row: each feature's clip bounds, transform and scaling, repeated on every segment's rows of the feature.
    select
        {% for feature in features %}
            max(case when feature = '{{ feature }}' then clip_lower end) as {{ feature }}_clip_lower,
            max(case when feature = '{{ feature }}' then clip_upper end) as {{ feature }}_clip_upper,
            max(case when feature = '{{ feature }}' then feature_transform end) as {{ feature }}_transform,
            max(case when feature = '{{ feature }}' then transform_lambda end) as {{ feature }}_lambda,
            max(case when feature = '{{ feature }}' then scaler_center end) as {{ feature }}_center,
            max(case when feature = '{{ feature }}' then scaler_scale end)
                as {{ feature }}_scale{% if not loop.last %},{% endif %}
        {% endfor %}

    from segment_centroids

),

centroids as (

    -- One row per segment: its centroid in scaled units, a column per feature.
    select
        segment_id,
        {% for feature in features %}
            max(case when feature = '{{ feature }}' then centroid_scaled end)
                as {{ feature }}{% if not loop.last %},{% endif %}
        {% endfor %}

    from segment_centroids
    group by segment_id

),

clipped_members as (

    -- Each feature within its clip bounds; the scaling row rides along for the steps below.
    select
        member_features.member_id,
        member_features.as_of_date,
        scaling.*,
        {% for feature in features %}
            {{ clipped_feature(
                'member_features.' ~ feature,
                'scaling.' ~ feature ~ '_clip_lower',
                'scaling.' ~ feature ~ '_clip_upper',
            ) }} as {{ feature }}{% if not loop.last %},{% endif %}
        {% endfor %}

    from member_features
    cross join scaling

),

logged_members as (

    -- Yeo-Johnson's parts, each computed once per member and feature (macros/cross_db/feature_transform.sql):
    -- log1p of the value's magnitude, then the power's exponent and its exp.
    select
        *,
        {% for feature in features %}
            {{ log1p('abs(' ~ feature ~ ')') }} as {{ feature }}_log1p_abs{% if not loop.last %},{% endif %}
        {% endfor %}

    from clipped_members

),

powered_members as (

    select
        *,
        {% for feature in features %}
            {%- set exponent = yeo_johnson_exponent(feature, feature ~ '_lambda', feature ~ '_log1p_abs') %}
            {{ exponent }} as {{ feature }}_exponent,
            exp({{ exponent }}) as {{ feature }}_exp{% if not loop.last %},{% endif %}
        {% endfor %}

    from logged_members

),

scaled_members as (

    select
        member_id,
        as_of_date,
        {% for feature in features %}
            (
                {{ feature_transform_from_parts(
                    feature,
                    feature ~ '_transform',
                    feature ~ '_lambda',
                    feature ~ '_log1p_abs',
                    feature ~ '_exponent',
                    feature ~ '_exp',
                ) }} - {{ feature }}_center
            ) / {{ feature }}_scale as {{ feature }}{% if not loop.last %},{% endif %}
        {% endfor %}

    from powered_members

),

distances as (

    select
        scaled_members.member_id,
        scaled_members.as_of_date,
        centroids.segment_id,
        sqrt(
            {% for feature in features %}
                (scaled_members.{{ feature }} - centroids.{{ feature }})
                * (scaled_members.{{ feature }} - centroids.{{ feature }}){% if not loop.last %} +{% endif %}
            {% endfor %}
        ) as distance_to_centroid

    from scaled_members
    cross join centroids

),

nearest_segments as (

    select
        member_id,
        as_of_date,
        {{ nearest_segment('segment_id', 'distance_to_centroid') }} as segment_id,
        min(distance_to_centroid) as distance_to_centroid

    from distances
    group by member_id, as_of_date

)

select * from nearest_segments

{#- Nearest centroid in SQL, so assigning every member scales with the warehouse, not with Python's memory.
    The features are the configured question's (var segmentation_questions); segment_centroids was fitted on
    exactly these, in this order, and carries the scaling that maps a member onto its centroids. -#}
{%- set features = segmentation_question_settings()['features'] -%}

with

member_features as (

    select * from {{ ref('member_features') }}

),

segment_centroids as (

    select * from {{ ref('segment_centroids') }}

),

scaling as (

    -- One row: each feature's transform and scaling, repeated on every segment's rows of the feature.
    select
        {% for feature in features %}
            bool_or(case when feature = '{{ feature }}' then log1p_applied end) as {{ feature }}_log1p,
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

scaled_members as (

    select
        member_features.member_id,
        member_features.as_of_date,
        {% for feature in features %}
            (
                case
                    -- The package's signed log1p (member_segmentation.preprocessing.feature_matrix).
                    when scaling.{{ feature }}_log1p
                        then sign(member_features.{{ feature }}) * ln(1 + abs(member_features.{{ feature }}))
                    else member_features.{{ feature }}
                end - scaling.{{ feature }}_center
            ) / scaling.{{ feature }}_scale as {{ feature }}{% if not loop.last %},{% endif %}
        {% endfor %}

    from member_features
    cross join scaling

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

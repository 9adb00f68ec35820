{#- The personas of the configured segmentation question (var segmentation_question): the persona each segment id
    stands for in this build. -#}
with

personas as (

    select * from {{ ref('personas') }}

),

question_personas as (

    select * from personas
    where segmentation_question = {{ segmentation_question() }}

)

select * from question_personas

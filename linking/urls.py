"""Routes of the article review screen (extraction and linking), and merging and splitting attacks."""

from django.urls import path

from linking import views as review
from linking import views_merge as merge

urlpatterns = [
    path("review/articles/<int:pk>/", review.article_review, name="article-review"),
    path("review/articles/<int:pk>/confirm/", review.article_review_confirm, name="article-review-confirm"),
    path("review/articles/<int:pk>/reject/", review.article_review_reject, name="article-review-reject"),
    path("review/articles/<int:pk>/correct/", review.article_review_correct, name="article-review-correct"),
    path("review/articles/<int:pk>/move/", review.article_review_move, name="article-review-move"),
    # Reviewing what extraction found, before confirming (issues 15, 18).
    path("review/articles/<int:pk>/figure/", review.article_review_figure, name="article-review-figure"),
    path("review/articles/<int:pk>/munition/", review.article_review_munition, name="article-review-munition"),
    path(
        "review/articles/<int:pk>/wave/publish/", review.article_review_wave_publish, name="article-review-wave-publish"
    ),
    path(
        "review/articles/<int:pk>/wave/discard/", review.article_review_wave_discard, name="article-review-wave-discard"
    ),
    path("review/articles/<int:pk>/move/candidates/", merge.article_move_candidates, name="article-move-candidates"),
    # Merge and split, from the attack page (issue 18).
    path("attacks/<int:pk>/merge/", merge.attack_merge_page, name="attack-merge"),
    path("attacks/<int:pk>/merge/candidates/", merge.attack_merge_candidates, name="attack-merge-candidates"),
    path("attacks/<int:pk>/split/", merge.attack_split_page, name="attack-split"),
]

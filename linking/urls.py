"""Routes of the article review screen (extraction and linking)."""

from django.urls import path

from linking import views as review

urlpatterns = [
    path("review/articles/<int:pk>/", review.article_review, name="article-review"),
    path("review/articles/<int:pk>/confirm/", review.article_review_confirm, name="article-review-confirm"),
    path("review/articles/<int:pk>/reject/", review.article_review_reject, name="article-review-reject"),
    path("review/articles/<int:pk>/correct/", review.article_review_correct, name="article-review-correct"),
    path("review/articles/<int:pk>/move/", review.article_review_move, name="article-review-move"),
]

"""GOV.UK Design System building blocks for every app's pages: the date field and form tags."""

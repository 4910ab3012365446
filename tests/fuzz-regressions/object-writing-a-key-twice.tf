resource "aws_sqs_queue" "dead_letters" {
  for_each = toset(["orders", "refunds"])
  name     = "${each.key}-dead-letters"
}

resource "aws_iam_role" "consumers" {
  name = "consumers"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "consumers_dead_letters" {
  role = aws_iam_role.consumers.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = "*"
      Resource = [aws_sqs_queue.dead_letters["orders"].arn]
    }]
  })
}

resource "aws_lambda_function" "refunds" {
  function_name = "refunds"
  role          = aws_iam_role.consumers.arn
  runtime       = "python3.13"
  handler       = "refunds.handler"
  filename      = "refunds.zip"

  dead_letter_config {
    target_arn = aws_sqs_queue.dead_letters["refunds"].arn
  }

  depends_on = [aws_iam_role_policy.consumers_dead_letters]
}
